# shellcheck shell=bash
#
# Sourceable helper: find a JDK >= 21 for building and running Keywarden.
#
#   . scripts/lib/jdk.sh
#   keywarden_find_jdk || exit 1
#
# On success keywarden_find_jdk exports JAVA_HOME, puts "$JAVA_HOME/bin" first
# on PATH, sets KEYWARDEN_JAVA_VERSION (e.g. "25.0.3") and prints nothing.
# On failure it prints an explanation to stderr and returns 1.
#
# Search order:
#   1. $JAVA_HOME, if it is a JDK >= 21
#   2. the `java` found on PATH, if it belongs to a JDK >= 21
#   3. the newest JDK >= 21 under the usual install locations:
#      /usr/lib/jvm/*, /usr/java/*, /opt/java/*,
#      /Library/Java/JavaVirtualMachines/*/Contents/Home,
#      ~/.sdkman/candidates/java/*  (and /usr/libexec/java_home on macOS)
#
# A "JDK" here is a directory with an executable bin/java and bin/javac
# (Maven needs the compiler). This file sets no shell options, so it is safe to
# source from scripts running with or without `set -euo pipefail`.

KEYWARDEN_MIN_JAVA=21

# _kw_full_version_of HOME: print the full Java version string of the JDK at
# HOME ("25.0.3", "17.0.15", "1.8.0_392"), or return 1 if it cannot be told.
_kw_full_version_of() {
    local home=$1 line out
    if [[ -r $home/release ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            case $line in
                JAVA_VERSION=*)
                    line=${line#JAVA_VERSION=}
                    line=${line#\"}
                    line=${line%\"}
                    if [[ -n $line ]]; then
                        printf '%s\n' "$line"
                        return 0
                    fi
                    ;;
            esac
        done < "$home/release"
    fi
    out=$("$home/bin/java" -version 2>&1 < /dev/null) || return 1
    if [[ $out =~ version\ \"([^\"]+)\" ]]; then
        printf '%s\n' "${BASH_REMATCH[1]}"
        return 0
    fi
    return 1
}

# _kw_major_of VERSION: "25.0.3" -> 25, "21" -> 21, "25-ea" -> 25, "1.8.0_392" -> 8
_kw_major_of() {
    local v=$1
    case $v in
        1.*) v=${v#1.} ;;
    esac
    v=${v%%[!0-9]*}
    [[ -n $v ]] || return 1
    printf '%s\n' "$((10#$v))"
}

# _kw_version_gt A B: version A sorts strictly after version B.
_kw_version_gt() {
    [[ $1 != "$2" && $(printf '%s\n%s\n' "$2" "$1" | sort -V | tail -n 1) == "$1" ]]
}

# _kw_is_jdk HOME: HOME has an executable java and javac.
_kw_is_jdk() {
    [[ -n $1 && -x $1/bin/java && -x $1/bin/javac ]]
}

# _kw_use HOME VERSION: adopt HOME as JAVA_HOME.
_kw_use() {
    JAVA_HOME=$1
    KEYWARDEN_JAVA_VERSION=$2
    export JAVA_HOME KEYWARDEN_JAVA_VERSION
    case ":$PATH:" in
        ":$JAVA_HOME/bin:"*) ;;
        *) PATH="$JAVA_HOME/bin:$PATH" ;;
    esac
    export PATH
}

keywarden_find_jdk() {
    local min=$KEYWARDEN_MIN_JAVA
    local cand ver major java_on_path home out
    local re_home=$'java[.]home = ([^\n]*)'
    local best_home="" best_ver="" best_major=0
    local notes=()

    # 1. JAVA_HOME
    if [[ -n ${JAVA_HOME:-} ]]; then
        cand=${JAVA_HOME%/}
        if _kw_is_jdk "$cand" && ver=$(_kw_full_version_of "$cand") \
                && major=$(_kw_major_of "$ver") && ((major >= min)); then
            _kw_use "$cand" "$ver"
            return 0
        fi
        if _kw_is_jdk "$cand"; then
            notes+=("JAVA_HOME=$cand is Java ${ver:-of unknown version}")
        else
            notes+=("JAVA_HOME=$cand is not a JDK (no bin/java and bin/javac)")
        fi
    fi

    # 2. `java` on PATH: ask it for its own java.home (works through symlinks,
    #    /etc/alternatives and the macOS /usr/bin/java stub).
    if java_on_path=$(command -v java 2>/dev/null) && [[ -n $java_on_path ]]; then
        out=$("$java_on_path" -XshowSettings:properties -version 2>&1 < /dev/null) || out=""
        home=""
        ver=""
        if [[ $out =~ $re_home ]]; then
            home=${BASH_REMATCH[1]%/}
        fi
        if [[ $out =~ version\ \"([^\"]+)\" ]]; then
            ver=${BASH_REMATCH[1]}
        fi
        if [[ -n $home && -n $ver ]] && major=$(_kw_major_of "$ver") && ((major >= min)) \
                && _kw_is_jdk "$home"; then
            _kw_use "$home" "$ver"
            return 0
        fi
        notes+=("java on PATH ($java_on_path) is Java ${ver:-of unknown version}")
    fi

    # 3. The newest JDK >= min in the usual places.
    local candidates=(
        /usr/lib/jvm/*
        /usr/java/*
        /opt/java/*
        /Library/Java/JavaVirtualMachines/*/Contents/Home
    )
    if [[ -n ${HOME:-} ]]; then
        candidates+=("$HOME"/.sdkman/candidates/java/*)
    fi
    if [[ -x /usr/libexec/java_home ]]; then
        cand=$(/usr/libexec/java_home -v "$min+" 2>/dev/null) || cand=""
        if [[ -n $cand ]]; then
            candidates+=("$cand")
        fi
    fi
    for cand in "${candidates[@]}"; do
        cand=${cand%/}
        # Unmatched globs stay literal and fail this test.
        _kw_is_jdk "$cand" || continue
        ver=$(_kw_full_version_of "$cand") || continue
        major=$(_kw_major_of "$ver") || continue
        ((major >= min)) || continue
        if [[ -z $best_home ]] || ((major > best_major)) \
                || { ((major == best_major)) && _kw_version_gt "$ver" "$best_ver"; }; then
            best_home=$cand
            best_ver=$ver
            best_major=$major
        fi
    done
    if [[ -n $best_home ]]; then
        _kw_use "$best_home" "$best_ver"
        return 0
    fi

    {
        echo "error: Keywarden needs a JDK $min or newer, and none was found."
        local n
        for n in "${notes[@]+"${notes[@]}"}"; do
            echo "  - $n"
        done
        echo "  Looked in: \$JAVA_HOME, java on PATH, /usr/lib/jvm, /usr/java, /opt/java,"
        echo "             /Library/Java/JavaVirtualMachines, ~/.sdkman/candidates/java"
        echo "  Install a JDK $min+ (for example Temurin or OpenJDK $min) and/or set JAVA_HOME to it."
    } >&2
    return 1
}

# keywarden_quiet_maven_jvm: on Java 24+, Maven 3.9's own libraries (jansi,
# guava) make the JVM print "restricted method" and "sun.misc.Unsafe" warnings
# at every start. Add the JVM flags that allow those uses to MAVEN_OPTS (only
# the Maven JVM; test JVMs are unaffected). Call after keywarden_find_jdk.
keywarden_quiet_maven_jvm() {
    local major
    major=$(_kw_major_of "${KEYWARDEN_JAVA_VERSION:-0}") || return 0
    if ((major >= 24)); then
        case " ${MAVEN_OPTS:-} " in
            *--enable-native-access=* | *--sun-misc-unsafe-memory-access=*) ;;
            *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" ;;
        esac
        export MAVEN_OPTS
    fi
    return 0
}
