# Shared set-up for scripts/run and scripts/test: virtualenv, packages, compiled translations.
# Sourced, not run. Everything it does is idempotent and skipped when already done.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FLASK_APP=wsgi

find_python() {
  for candidate in ${PYTHON:-} python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo "需要 Python 3.11 或更新版本 (Python 3.11+ is required)" >&2
  exit 1
}

ensure_env() {
  local extras=${1:-test}
  if [ ! -x .venv/bin/python ]; then
    echo "==> 创建虚拟环境 .venv (creating virtualenv)"
    "$(find_python)" -m venv .venv
  fi
  local stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-$extras"
  if [ ! -f "$stamp" ]; then
    echo "==> 安装依赖 (installing packages)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[$extras]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
  if compgen -G "portal/translations/*/LC_MESSAGES/messages.po" >/dev/null; then
    pybabel compile --use-fuzzy -d portal/translations >/dev/null 2>&1 || pybabel compile --use-fuzzy -d portal/translations
  fi
}
