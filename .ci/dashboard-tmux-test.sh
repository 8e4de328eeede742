#!/usr/bin/env bash
# Drives `BINARY tui` (built-in default scenario) in tmux at 120x40, then 80x24, and asserts on captured panes:
# row labels, legend, zoom, pan, select + details, help (scrolling at 80x24), what-if algorithm switch, quit, exit status,
# and a sane terminal afterwards; then the `m` key on a training scenario at 80x24. Usage: .ci/dashboard-tmux-test.sh .build/debug/linkscope
set -u
BIN=${1:?usage: $0 BINARY}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SESSION="lsdash$$"
TMP=$(mktemp -d)
FAILS=0
STEP=""
command -v tmux >/dev/null || { echo "FAIL dashboard-tmux: tmux not installed"; exit 1; }
[ -x "$BIN" ] || { echo "FAIL dashboard-tmux: $BIN is not executable"; exit 1; }
cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

capture() { tmux capture-pane -p -t "$SESSION" > "$TMP/pane.txt" 2>/dev/null; }
send() { tmux send-keys -t "$SESSION" "$@"; sleep 0.4; capture; }
# wait_for TEXT [SECONDS]: poll the pane until TEXT appears.
wait_for() {
    local deadline=$(( $(date +%s) + ${2:-10} ))
    while [ "$(date +%s)" -le "$deadline" ]; do
        capture
        grep -qF -- "$1" "$TMP/pane.txt" && return 0
        sleep 0.2
    done
    return 1
}
check() {  # check DESCRIPTION TEXT: the pane contains TEXT
    if grep -qF -- "$2" "$TMP/pane.txt"; then echo "  ok   $1"; else
        echo "  FAIL $1: pane lacks '$2'"; FAILS=$((FAILS + 1)); echo "----- pane -----"; cat "$TMP/pane.txt"; echo "----------------"
    fi
}
check_not() {
    if grep -qF -- "$2" "$TMP/pane.txt"; then
        echo "  FAIL $1: pane still shows '$2'"; FAILS=$((FAILS + 1)); else echo "  ok   $1"; fi
}
settings() {  # the what-if settings at the right of the pane-tab line, e.g. "allreduce ring · 8 GPUs"
    grep -F "Timeline │" "$TMP/pane.txt" | grep -oE "[a-z-]+ [a-z-]+ · [0-9]+ GPUs" | head -1
}
field() {  # the text after "$1" up to two spaces on the pane (e.g. the view width)
    grep -o -- "$1[^ ]* [^ ]*" "$TMP/pane.txt" | head -1
}

# The command runs under the pane's own tty; after it exits, `stty -a` of that tty shows whether the
# terminal was restored (echo and icanon back on).
tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "env LANG=C.UTF-8 NCURSES_NO_UTF8_ACS=1 TERM=xterm-256color '$BIN' tui; echo EXIT=\$?; stty -a | tr '\n' ' ' > '$TMP/stty.txt'; echo STTY-DONE; sleep 30"

echo "dashboard tmux test: $BIN"
if ! wait_for "GPU 0" 20; then
    capture; echo "FAIL dashboard-tmux: the dashboard did not show 'GPU 0' within 20 s"; cat "$TMP/pane.txt"; exit 1
fi
check "row labels" "GPU 0"
check "legend" "1:compute"
check "legend (communication)" "2:communication"
check "pane tabs" "Timeline"
check "key hints" "?:help"
ALGO_BEFORE=$(settings)
VIEW0=$(field "view ")

send +
VIEW1=$(field "view ")
if [ -n "$VIEW0" ] && [ "$VIEW0" != "$VIEW1" ]; then echo "  ok   zoom changes the window ($VIEW0 -> $VIEW1)"; else
    echo "  FAIL zoom: window did not change ('$VIEW0' -> '$VIEW1')"; FAILS=$((FAILS + 1)); fi
send l
check "still drawing after pan" "GPU 0"
send j
send Enter
check "details pane" "Details"
check "details: name" "name:"
check "details: GPU" "GPU:"
check "details: start" "start:"
check "details: duration" "duration:"
send Escape
send '?'
check "help overlay" "Help: keys"
send Escape
check_not "help closes" "Help: keys"
send a
sleep 0.5; capture
check "what-if re-simulated" "re-simulated"
ALGO_AFTER=$(settings)
if [ -n "$ALGO_BEFORE" ] && [ "$ALGO_BEFORE" != "$ALGO_AFTER" ]; then echo "  ok   algorithm changed ($ALGO_BEFORE -> $ALGO_AFTER)"; else
    echo "  FAIL algorithm did not change ('$ALGO_BEFORE' -> '$ALGO_AFTER')"; FAILS=$((FAILS + 1)); fi
tmux resize-window -t "$SESSION" -x 70 -y 20 2>/dev/null; sleep 0.6; capture
check "too-small message on resize" "terminal too small"
tmux resize-window -t "$SESSION" -x 80 -y 24 2>/dev/null; sleep 0.6; capture
check "redraws at 80x24" "GPU 0"
check "header keeps the throughput at 80x24" "samples/s"
check "header keeps the iteration time at 80x24" "iter "
check_not "no message size on a training run" " 0 B"
# At 80x24 the help overlay is shorter than the key map: it must scroll to its last line.
send '?'
check "help at 80x24" "Help: keys"
check "help says it scrolls" "PgUp PgDn scroll"
check_not "help at 80x24 starts at the top" "Ctrl-L"
send NPage
send NPage
check "help scrolled to the last key" "Ctrl-L"
send PPage
send PPage
check "help scrolled back" "this help"
send Escape
check_not "help closes at 80x24" "Help: keys"
send q
if wait_for "STTY-DONE" 10; then
    check "exit status 0" "EXIT=0"
    STTY=$(cat "$TMP/stty.txt" 2>/dev/null)
    if echo " $STTY " | grep -q " echo " && echo " $STTY " | grep -q " icanon "; then echo "  ok   terminal sane after quit (echo icanon)"; else
        echo "  FAIL terminal not restored: $STTY"; FAILS=$((FAILS + 1)); fi
else
    echo "  FAIL the dashboard did not quit on q"; FAILS=$((FAILS + 1)); cat "$TMP/pane.txt"
fi

# A training-only scenario (no standalone collectives) at 80x24: message size is not a training knob, so m
# says so in words, never the internal knob name ("no choices for messageSize").
SCENARIO=$(cd "$(dirname "$0")/.." && pwd)/scenarios/ps-vs-ring-dgx1.yaml
tmux kill-session -t "$SESSION" 2>/dev/null
tmux new-session -d -s "$SESSION" -x 80 -y 24 \
    "env LANG=C.UTF-8 NCURSES_NO_UTF8_ACS=1 TERM=xterm-256color '$BIN' tui '$SCENARIO'; echo EXIT=\$?; sleep 30"
if wait_for "GPU 0" 20; then
    send m
    check "m on a training scenario explains itself" "message size does not apply to training"
    check_not "m names no internal enum" "messageSize"
    send q
    wait_for "EXIT=" 10 && check "training scenario quits with 0" "EXIT=0"
else
    echo "  FAIL $SCENARIO: the dashboard did not show 'GPU 0' within 20 s"; FAILS=$((FAILS + 1)); cat "$TMP/pane.txt"
fi

if [ "$FAILS" -eq 0 ]; then echo "PASS dashboard-tmux"; exit 0; fi
echo "FAIL dashboard-tmux ($FAILS checks failed)"; exit 1
