"""Domain operations of the dashboards app: duty rosters (duty.py) and alert handling (alerts.py)."""
