"""Add-ons loaded by the Rasa server (Python 3.10, .venv-rasa) by dotted path.

- `rasa_addons.tracker_store.WindowedSQLTrackerStore`: Rasa's SQL tracker
  store, but the policies get a tracker of the recent turns only, so a turn
  costs the same at message 200 as at message 10. See its docstring.

Rasa puts the working directory on `sys.path` (`rasa/__main__.py`), so running
`rasa run` / `rasa train` from the project root is enough to import this
package; the scripts also set PYTHONPATH to the project root.
"""
