//! The PassKit web service (device registration, updates) and APNs push.
