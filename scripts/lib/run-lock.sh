# shellcheck shell=bash
# Sourced by scripts/test and scripts/bench: one run at a time on a private stack ($STACK_DIR). A second run would find
# the stack up and use it, and the first run's cleanup would then take it down under the second (its Kafka answering
# "Connection refused"). Take the lock before setting the cleanup trap, so a run interrupted while it waits stops
# nothing of the other's; release it at the end of the cleanup: the stack's processes inherit the descriptor, and one
# that outlived the run must not keep the lock.

# hold_run_lock NAME: waits (saying so, as NAME) while another run holds $STACK_DIR.
hold_run_lock() {
  mkdir -p "$STACK_DIR"
  exec 8>"$STACK_DIR/.run.lock"
  flock -n 8 || { echo "[$1] another run uses $STACK_DIR: waiting for it to end" >&2; flock 8; }
}

release_run_lock() { flock -u 8 2>/dev/null || true; }
