# Sourced by .ci/run and the README's commands: points JAVA_HOME at a JDK >= 21 found on this machine.
# Keeps a JAVA_HOME that is already >= 21; else looks under /usr/lib/jvm and the java on PATH.
runstream_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
runstream_pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(runstream_java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! JAVA_HOME=$(runstream_pick_jdk); then
  echo "No JDK >= 21 found (looked at JAVA_HOME, /usr/lib/jvm/*, and java on PATH). Install one, e.g. openjdk-21-jdk." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
