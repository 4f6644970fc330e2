import os
import requests

OPENROUTER = "@@openrouter@@"
XAI = "@@xai@@"
session = requests.Session()
session.headers["Authorization"] = "Bearer @@bearer@@"
session.auth = ("etl", "@@password@@")
MONGO = "mongodb://etl:@@password@@@mongo-1.internal,mongo-2.internal/etl?replicaSet=rs0"
ARTIFACTS = "https://ci-bot:@@password@@@artifacts.example.net/repository/pypi/simple"
GITHUB = os.environ.get("GITHUB_TOKEN", "@@github_oauth@@")
config.set("warehouse", "password", "@@password@@")
cfg.setProperty("WAREHOUSE_TOKEN", "@@secret32@@")
client = Client(api_key="@@secret32@@", timeout=30)
webhook_secret: str = "@@whsec@@"
private_key = """@@pem_ec@@"""
SLACK = "@@slack_bot@@"
LONG_TOKEN = "@@long_secret@@"
RETRY_TOKEN_BUCKET = 10
token = response.json()["access_token"]
password = getpass.getpass()
api_key = os.environ["API_KEY"]
headers = {"Authorization": f"Bearer {api_key}"}
secret = None
EXAMPLE_KEY = "AKIAEXAMPLEKEYID0042"
COMMIT = "@@!sha1@@"
