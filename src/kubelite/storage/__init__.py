"""Storage: the contract (interface), its backends and the watch cache.

interface     the Storage protocol, events, errors (DESIGN.md §4)
sqlite        SQLiteStorage, the embedded backend (async face, reads, watch)
sqlite_writer its writer thread: group commit, revision assignment
sqlite_db     its schema, value codec and read queries
cacher        Cacher, the per-resource watch cache in front of any Storage
watchers      bounded per-watcher queues and prefix fan-out
compactor     periodic history compaction
preconditions, keyrange   small helpers shared by the backends
"""
