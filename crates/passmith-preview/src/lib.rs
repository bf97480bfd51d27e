//! Layout (pure) and rasterising (CPU) of a pass as Apple Wallet shows it.
