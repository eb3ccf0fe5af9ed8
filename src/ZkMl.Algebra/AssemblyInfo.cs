using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Algebra.Tests")]
[assembly: InternalsVisibleTo("ZkMl.Proofs.Tests")]
[assembly: InternalsVisibleTo("ZkMl.Proofs")]
[assembly: InternalsVisibleTo("ZkMl.Inference")]
[assembly: InternalsVisibleTo("ZkMl.Bench")]
