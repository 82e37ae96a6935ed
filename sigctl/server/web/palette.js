// The state palette of `sigctl tree` (sigctl/cli/palette.py) for the web view: each look is a
// colour, a symbol and the state's own word, so states stay apart without colour too.
// tests/test_web_view.py keeps this table equal to the Python one.
"use strict";
window.SIGCTL_PALETTE = {
  "looks": {
    "done": {"colour": "green", "symbol": "✔"},
    "working": {"colour": "yellow", "symbol": "◐"},
    "queued": {"colour": "cyan", "symbol": "○"},
    "failed": {"colour": "red", "symbol": "✖"},
    "deleting": {"colour": "magenta", "symbol": "⊘"},
    "stopped": {"colour": "bright_black", "symbol": "■"},
    "unknown": {"colour": "blue", "symbol": "?"}
  },
  "states": {
    "succeeded": "done",
    "completed": "done",
    "enabled": "done",
    "replicating": "working",
    "inprogress": "working",
    "creating": "working",
    "updating": "working",
    "migrating": "working",
    "queued": "queued",
    "pending": "queued",
    "accepted": "queued",
    "notstarted": "queued",
    "failed": "failed",
    "deleting": "deleting",
    "canceled": "stopped"
  }
};
