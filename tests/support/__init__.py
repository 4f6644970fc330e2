"""What the test modules share, so that no test module imports another.

- ``paths``: where the suite's files are (the test apps, the secret samples, the repository) and
  loading a module of ``tests/apps`` by its path.
- ``projects``: pytester projects as users set them up (an app, a pytest.ini, a conftest.py).
- ``logins``: the ``launchready_login`` conftests of the test apps, one constant per way of logging in.
- ``runs``: reading what each test of an inner pytest run did.
- ``servers``: a real uvicorn on 127.0.0.1; ``tls_server``: an https site with trustme certificates;
  ``dnsserver``: an authoritative DNS server with the mail check's zones.
- ``gitrepo``: git repositories for the secrets check's tests.

``pyproject.toml`` puts ``tests/`` on ``sys.path`` (``pythonpath``), so modules import ``support.<name>``
whichever folder they are in. Nothing here is imported eagerly: each test module pays for what it uses.
"""
