# Sourced by the scripts: makes sure .venv exists and holds this checkout's
# package with its development tools, reinstalling only when pyproject.toml changes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "clientexit needs Python 3.11 or newer; '$PY' is $("$PY" --version 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.11 and run again." >&2
    exit 1
fi

stamp="$VENV/.clientexit-installed"
want=$(cat "$ROOT/pyproject.toml" | "$PY" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "Creating the environment in .venv ..." >&2
    "$PY" -m venv "$VENV"
fi
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "Installing clientexit and its tools into .venv ..." >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
    echo "$want" > "$stamp"
fi

# The package is installed editable, so nothing compiled its modules to bytecode, and
# where PYTHONDONTWRITEBYTECODE is set (as on some CI and container images) Python would
# compile every module from source on every start: about 40 ms of each launch. Compiling
# them here, once per change (unchanged files are skipped), keeps launches fast.
"$VENV/bin/python" -m compileall -q "$ROOT/clientexit" >/dev/null
