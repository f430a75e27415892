//! Per-file history: last change and recent commits for the files of the mesh.
