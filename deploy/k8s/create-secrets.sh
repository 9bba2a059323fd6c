#!/bin/sh
# Create the Secret the manifests mount, with freshly generated values (never shipped in git):
#   deploy/k8s/create-secrets.sh [namespace]      (default namespace: infoshard)
# An existing Secret is left alone: re-running never rotates a live token by accident. To
# rotate, `kubectl -n NS delete secret infoshard-secrets`, run this again, restart the pods.
set -eu
ns="${1:-infoshard}"
if kubectl -n "$ns" get secret infoshard-secrets >/dev/null 2>&1; then
  echo "secret infoshard-secrets already exists in namespace $ns: left unchanged" >&2
  exit 0
fi
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
kubectl -n "$ns" create secret generic infoshard-secrets \
  --from-literal=token="$(openssl rand -hex 32)" \
  --from-literal=nats-user=infoshard \
  --from-literal=nats-password="$(openssl rand -hex 24)"
kubectl -n "$ns" label secret infoshard-secrets app.kubernetes.io/part-of=infoshard
echo "created secret infoshard-secrets in namespace $ns (read the token for clients with:" >&2
echo "  kubectl -n $ns get secret infoshard-secrets -o jsonpath='{.data.token}' | base64 -d)" >&2
