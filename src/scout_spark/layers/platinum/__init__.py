"""Platinum: store anomalies against their own history, customer features."""
