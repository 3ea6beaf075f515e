#!/usr/bin/env bash
# Installs what building and running ClustSeg needs, where it can; otherwise says exactly what to install.
# Needs: .NET SDK 10, glslc (shader compiler), the Vulkan loader, a Vulkan driver (lavapipe on machines without a
# GPU), and for the tests the Khronos validation layer.
set -euo pipefail

need_apt=()
command -v glslc >/dev/null 2>&1 || need_apt+=(glslc)
# Read the linker cache into a variable first: `ldconfig -p | grep -q` fails under pipefail when grep exits early.
libraries=$(/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true)
grep -q 'libvulkan\.so\.1' <<<"$libraries" || need_apt+=(libvulkan1)
# A driver: any ICD manifest will do; lavapipe (mesa-vulkan-drivers) works everywhere.
has_file() { for f in "$@"; do [ -e "$f" ] && return 0; done; return 1; }
has_file /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json || need_apt+=(mesa-vulkan-drivers)
if [ "${CLUSTSEG_NEED_VALIDATION:-0}" = "1" ]; then
  has_file /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json /etc/vulkan/explicit_layer.d/VkLayer_khronos_validation.json \
    || need_apt+=(vulkan-validationlayers)
fi

case "$(uname -s)" in
  Linux)
    if [ ${#need_apt[@]} -gt 0 ]; then
      if command -v apt-get >/dev/null 2>&1; then
        sudo_cmd=""
        if [ "$(id -u)" -ne 0 ]; then
          if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
            echo "ClustSeg needs: ${need_apt[*]}. Run as root: apt-get install -y ${need_apt[*]}" >&2; exit 1
          fi
        fi
        echo "Installing ${need_apt[*]} with apt-get..." >&2
        $sudo_cmd apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >&2
      else
        echo "ClustSeg needs: ${need_apt[*]} (Fedora: sudo dnf install glslc vulkan-loader mesa-vulkan-drivers vulkan-validation-layers;" \
             "Arch: sudo pacman -S shaderc vulkan-icd-loader vulkan-swrast vulkan-validation-layers)." >&2
        exit 1
      fi
    fi
    ;;
  Darwin)
    if [ ${#need_apt[@]} -gt 0 ]; then
      echo "ClustSeg needs glslc and Vulkan on macOS: brew install shaderc molten-vk vulkan-loader vulkan-validationlayers" \
           "(or install the Vulkan SDK from https://vulkan.lunarg.com)." >&2
      exit 1
    fi
    ;;
  *)
    echo "On Windows install the Vulkan SDK (https://vulkan.lunarg.com; it provides glslc and the validation layer) and a GPU driver." >&2
    ;;
esac

has_dotnet10() {
  command -v dotnet >/dev/null 2>&1 || return 1
  local sdks
  sdks=$(dotnet --list-sdks 2>/dev/null || true)
  grep -q '^10\.' <<<"$sdks"
}
if ! has_dotnet10; then
  # Ubuntu (22.04 and later) packages the SDK itself; elsewhere Microsoft's feed or installer is needed.
  if command -v apt-get >/dev/null 2>&1 && apt-cache policy dotnet-sdk-10.0 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd="sudo"
    echo "Installing dotnet-sdk-10.0 with apt-get..." >&2
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dotnet-sdk-10.0 >&2 || true
  fi
fi
if ! has_dotnet10; then
  echo "ClustSeg needs the .NET 10 SDK: https://dotnet.microsoft.com/download/dotnet/10.0" \
       "(Debian: Microsoft's package feed, or the dotnet-install.sh script; Ubuntu: sudo apt-get install dotnet-sdk-10.0)." >&2
  exit 1
fi
