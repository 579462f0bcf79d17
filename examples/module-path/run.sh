#!/usr/bin/env bash
# Builds the library jars, compiles examples/module-path/src/example as a named module that requires
# io.github.gptoss4j.core, and runs it on the module path against the model directory given (default: the demo).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MODEL="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/gptoss4j/demo-v1}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT="$ROOT/examples/module-path/target"
rm -rf "$OUT"
mkdir -p "$OUT/libs" "$OUT/classes"
(cd "$ROOT" && "${MVN:-mvn}" -B -q -pl engine-core -am package -Dmaven.test.skip=true \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$OUT/libs")
cp "$ROOT"/engine-core/target/engine-core-*.jar "$OUT/libs/"
for m in engine-base engine-kernels engine-tokenizer; do
  cp "$ROOT/$m"/target/"$m"-*.jar "$OUT/libs/"
done
for jar in "$OUT"/libs/engine-*.jar; do
  "$JAVA_HOME/bin/jar" --describe-module --file "$jar"
done
"$JAVA_HOME/bin/javac" --module-path "$OUT/libs" -d "$OUT/classes" $(find "$ROOT/examples/module-path/src" -name '*.java')
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --module-path "$OUT/libs:$OUT/classes" -m example/example.Ask "$MODEL"
