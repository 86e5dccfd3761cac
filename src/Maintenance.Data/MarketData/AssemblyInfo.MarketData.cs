using System.Runtime.CompilerServices;

// The flat-file parser's pieces are internal; its tests and the parse benchmark measure them directly.
[assembly: InternalsVisibleTo("Maintenance.Data.Tests")]
[assembly: InternalsVisibleTo("Maintenance.Benchmarks")]
