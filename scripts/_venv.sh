# Sourced by scripts/demo, scripts/test and scripts/lock: `venv_sync [uv sync options]`
# makes .venv hold exactly what uv.lock pins (hashes checked), from nothing but python3.
# uv itself comes from PyPI at the version pyproject.toml's [tool.uv] required-version
# names (the lock pins the same one, in the dev extra), installed into .venv by pip.
# `--locked` fails when pyproject.toml and uv.lock disagree: run scripts/lock.

uv_version() { sed -n 's/^required-version = "==\(.*\)"$/\1/p' pyproject.toml; }

venv_uv() {
  local want
  want=$(uv_version)
  if [ ! -x .venv/bin/python ]; then "${PYTHON:-python3}" -m venv .venv; fi
  if ! .venv/bin/uv --version 2>/dev/null | grep -q "^uv $want\b"; then
    if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
      # A synced .venv holds no pip; start it over to bootstrap another uv.
      rm -rf .venv
      "${PYTHON:-python3}" -m venv .venv
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$want"
  fi
}

venv_sync() {
  venv_uv
  if ! UV_PYTHON_DOWNLOADS=never .venv/bin/uv sync --locked --python .venv/bin/python --quiet "$@"; then
    echo "setting up .venv failed: if uv says the lock needs updating, pyproject.toml changed" \
      "without it: run scripts/lock and commit uv.lock" >&2
    return 1
  fi
}
