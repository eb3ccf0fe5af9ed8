using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Proofs.Tests")]
