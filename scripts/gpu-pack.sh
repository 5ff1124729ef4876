#!/usr/bin/env bash
# gpu-pack.sh: builds .gpu/, everything scripts/gpu-check.sh needs on a CUDA machine that has Python torch (with
# libtorch inside the torch package) but no JDK and no network, in well under 64 MiB:
#   .gpu/jre/         a jlink'd Java 17 runtime (only the modules DJL and the model core use)
#   .gpu/lib/*.jar    a lean classpath: DJL api + pytorch-engine + pytorch-jni (its cu128 JNI), their few
#                     dependencies, and the model core + GpuCheck; NOT the 112 MB pytorch-native-cpu jar
#   .gpu/jni-cu128-undefined.txt  the symbols DJL's cu128 JNI needs from libtorch, for a quick check there
# .gpu/ ignores itself (.gpu/.gitignore is "*"). Usage: scripts/gpu-pack.sh   (then carry ".gpu" to the device)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.gpu"
M2="${M2_REPO:-$HOME/.m2/repository}"
cd "$ROOT"

rm -rf "$OUT"
mkdir -p "$OUT/lib"
echo '*' >"$OUT/.gitignore"

echo "gpu-pack: compiling the model core and GpuCheck..."
flock /tmp/instructforge-build.lock mvn -B -o -q -pl training-service test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/full-classpath.txt" \
  -Dai.djl.offline=true

# Only what DJL's PyTorch engine and the model core load (GptConfig needs Jackson 3 for config.json).
WANTED='/ai/djl/api/|/ai/djl/pytorch/pytorch-engine/|/ai/djl/pytorch/pytorch-jni/|/com/google/code/gson/|/net/java/dev/jna/jna/|/org/apache/commons/commons-compress/|/org/slf4j/slf4j-api/|/tools/jackson/core/jackson-core/|/tools/jackson/core/jackson-databind/|/com/fasterxml/jackson/core/jackson-annotations/'
tr ':' '\n' <"$OUT/full-classpath.txt" | grep -E "$WANTED" | while read -r jar; do cp "$jar" "$OUT/lib/"; done
rm "$OUT/full-classpath.txt"
# A logger that prints DJL's INFO lines (which libraries it loads, from where) without any configuration file.
SIMPLE=$(ls "$M2"/org/slf4j/slf4j-simple/2.0.*/slf4j-simple-2.0.*.jar | sort -V | tail -n 1)
cp "$SIMPLE" "$OUT/lib/"
if ls "$OUT/lib" | grep -q pytorch-native; then
  echo "gpu-pack: the CPU native jar slipped in" >&2
  exit 1
fi

jar --create --file "$OUT/lib/instructforge-gpu-check.jar" \
  -C training-service/target/classes org/instructforge/training/model \
  -C training-service/target/test-classes org/instructforge/training/bench/GpuCheck.class \
  -C training-service/target/test-classes org/instructforge/training/bench/ModelBenchmark.class
# ModelBenchmark's nested records, if the compiler wrote them as separate classes.
for f in training-service/target/test-classes/org/instructforge/training/bench/ModelBenchmark\$*.class; do
  [ -e "$f" ] && jar --update --file "$OUT/lib/instructforge-gpu-check.jar" \
    -C training-service/target/test-classes "org/instructforge/training/bench/$(basename "$f")"
done

echo "gpu-pack: jlink..."
# No java.desktop: DJL's api touches java.awt only for images, which the model core never loads.
jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT/jre"
# Debian's libjvm.so keeps its symbol table (24 MB); stripped it is 20 MB.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$OUT/jre/lib/server/libjvm.so"
fi

# pytorch-jni holds JNIs for five platforms: keep linux-x86_64 (cpu and cu128) only.
JNI_JAR=$(ls "$OUT"/lib/pytorch-jni-*.jar)
TMP=$(mktemp -d)
(cd "$TMP" && unzip -q "$JNI_JAR" && rm -rf jnilib/linux-aarch64 jnilib/osx-* jnilib/win-* \
  && rm "$JNI_JAR" && jar --create --file "$JNI_JAR" --manifest META-INF/MANIFEST.MF -C . jnilib -C . META-INF/native-image)
# The symbols the cu128 JNI takes from libtorch: gpu-check.sh looks each one up in the machine's libtorch.
if command -v nm >/dev/null; then
  nm -D --undefined-only "$TMP/jnilib/linux-x86_64/cu128/libdjl_torch.so" | awk '$1 == "U" {print $2}' | sed 's/@.*//' \
    >"$OUT/jni-cu128-undefined.txt"
fi
rm -rf "$TMP"

echo "gpu-pack: $(du -sh "$OUT" | cut -f1) in $OUT (jre $(du -sh "$OUT/jre" | cut -f1), lib $(du -sh "$OUT/lib" | cut -f1))"
