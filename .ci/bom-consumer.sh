#!/usr/bin/env bash
# Installs the reactor (BOM and library jars) into a private local repository, target/bom-repo, then builds
# examples/bom-consumer (a project that imports gptoss4j-bom and depends on engine-core without a version)
# from that repository alone and runs it on the demo model. Nothing is installed into ~/.m2: the private
# repository is filled from ~/.m2 read as a file:// remote (fast, no copy of the whole cache), and from Maven
# Central for anything not there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
MVN="${MVN:-mvn}"
REPO="$ROOT/target/bom-repo"
SETTINGS="$ROOT/target/bom-settings.xml"
SEED="${BOM_SEED_REPO:-$HOME/.m2/repository}"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n1)"
MODEL="${XDG_CACHE_HOME:-$HOME/.cache}/gptoss4j/demo-v1"
mkdir -p "$REPO"
cat >"$SETTINGS" <<XML
<settings>
  <profiles>
    <profile>
      <id>seed</id>
      <repositories><repository><id>seed</id><url>file://$SEED</url></repository></repositories>
      <pluginRepositories><pluginRepository><id>seed</id><url>file://$SEED</url></pluginRepository></pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
</settings>
XML
# Earlier runs' gptoss4j artifacts go, so the consumer can only see what this run installs.
rm -rf "$REPO/io/github/gptoss4j"
echo "bom-consumer: installing gptoss4j $VERSION into $REPO"
"$MVN" -B -q -s "$SETTINGS" -Dmaven.repo.local="$REPO" -Dmaven.test.skip=true \
  -pl gptoss4j-bom,engine-core -am install
[ -f "$MODEL/config.json" ] || ./gptoss generate --prompt hi --max-tokens 2 >/dev/null
echo "bom-consumer: building examples/bom-consumer against the BOM"
"$MVN" -B -q -s "$SETTINGS" -Dmaven.repo.local="$REPO" -f examples/bom-consumer/pom.xml \
  -Dgptoss4j.version="$VERSION" package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector \
  -cp "examples/bom-consumer/target/classes:$(cat examples/bom-consumer/target/classpath.txt)" \
  example.BomConsumer "$MODEL"
