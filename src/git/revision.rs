//! Files of the mesh as they were at another revision, read from git objects (no checkout).
