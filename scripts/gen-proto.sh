#!/usr/bin/env bash
# Regenerates Sources/Comm/Wire/v2x.pb.swift from proto/v2x.proto.
#
# Needed only when the schema changes; the generated file is committed, so the
# package depends on the SwiftProtobuf runtime library alone, never on the plugin.
#
# Requirements (not in setup.sh on purpose):
#   - protoc:           apt-get install protobuf-compiler
#   - protoc-gen-swift: built from swift-protobuf 1.39.0 outside the repository
#     (about 10 minutes on 2 cores the first time), e.g.
#       git clone https://github.com/apple/swift-protobuf /tmp/protoc-swift/src
#       git -C /tmp/protoc-swift/src checkout 1.39.0
#       (cd /tmp/protoc-swift/src && swift build -c release --product protoc-gen-swift)
#     then point PROTOC_GEN_SWIFT at the binary, or put it on PATH.
# The plugin version must match the runtime version in Package.swift.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || echo /tmp/protoc-swift/src/.build/release/protoc-gen-swift)}"
if ! command -v protoc >/dev/null; then
  echo "gen-proto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1
fi
if [ ! -x "$plugin" ]; then
  echo "gen-proto: protoc-gen-swift not found at $plugin (see the comment in this script)" >&2; exit 1
fi

# Public visibility: Comm's public API does not expose these types, but the tests and
# the bench build envelopes by hand (e.g. unsigned or tampered ones).
protoc \
  --plugin=protoc-gen-swift="$plugin" \
  --proto_path="$root/proto" \
  --swift_opt=Visibility=Public \
  --swift_out="$root/Sources/Comm/Wire" \
  "$root/proto/v2x.proto"
echo "gen-proto: wrote Sources/Comm/Wire/v2x.pb.swift" >&2
