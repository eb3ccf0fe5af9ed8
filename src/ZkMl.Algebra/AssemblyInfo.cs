using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Algebra.Tests")]
[assembly: InternalsVisibleTo("ZkMl.Proofs")]
[assembly: InternalsVisibleTo("ZkMl.Bench")]
