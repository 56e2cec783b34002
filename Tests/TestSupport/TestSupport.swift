// Shared test helpers (gradient checker, approximate equality).
