#!/usr/bin/env bash
set -euo pipefail
: "${DEPLOY_TOKEN:?set DEPLOY_TOKEN}"
curl -fsS -u "release:@@password@@" \
  -X POST https://releases.internal/api/v1/publish
curl -fsS --user=bot:@@password@@ https://status.internal/ping
curl -fsS -H "Authorization: Bearer @@bearer@@" https://hooks.internal/deploy
curl -fsS -H "Authorization: Bearer ${DEPLOY_TOKEN}" https://hooks.internal/deploy
curl -fsS -u "$REGISTRY_USER:$REGISTRY_PASSWORD" https://registry.internal/v2/
export HF_TOKEN=@@hf@@
git clone https://oauth2:@@gitlab@@@gitlab.internal/shop/api.git
docker login -u deployer -p "$REGISTRY_PASSWORD" registry.internal
