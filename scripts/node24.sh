# Source this file (". scripts/node24.sh") to get Node 24 first on PATH.
# When the machine's node is older, the official Node 24 binary is installed once from the npm registry
# (package node-<os>-<arch>) into .tools/, so a fresh clone needs nothing installed by hand.
vnetbot_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(vnetbot_node_major)" -lt 24 ]; then
  # The README runs this from the clone's root; bash also knows the script's own path when sourced from elsewhere.
  if [ -f "$(pwd)/scripts/node24.sh" ]; then
    vnetbot_root="$(pwd)"
  else
    vnetbot_root="$(cd "$(dirname "${BASH_SOURCE:-$0}")/.." 2>/dev/null && pwd)"
  fi
  case "$(uname -s)" in Linux) vnetbot_os=linux ;; Darwin) vnetbot_os=darwin ;; *) vnetbot_os=win ;; esac
  case "$(uname -m)" in x86_64|amd64) vnetbot_arch=x64 ;; aarch64|arm64) vnetbot_arch=arm64 ;; *) vnetbot_arch="$(uname -m)" ;; esac
  vnetbot_pkg="node-$vnetbot_os-$vnetbot_arch"
  vnetbot_bin="$vnetbot_root/.tools/node24/node_modules/$vnetbot_pkg/bin"
  if [ ! -x "$vnetbot_bin/node" ]; then
    echo "vnetbot: installing Node 24 ($vnetbot_pkg) from the npm registry into .tools/" >&2
    npm install --prefix "$vnetbot_root/.tools/node24" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "$vnetbot_pkg@24" >&2 || return 1 2>/dev/null || exit 1
  fi
  PATH="$vnetbot_bin:$PATH"
  export PATH
fi
echo "vnetbot: using node $(node --version)" >&2
