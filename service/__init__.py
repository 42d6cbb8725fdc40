"""The one object handlers, the CLI and the scheduler share: fetch, analyse, store, report."""
