// Stands in for `source-map` in the bundled CLI. Handlebars loads it only to map precompiled
// templates back to their sources, which Panelist never asks for, and falls back to its own
// minimal SourceNode when the library has none: 45 KB the CLI no longer parses at start-up.
module.exports = {};
