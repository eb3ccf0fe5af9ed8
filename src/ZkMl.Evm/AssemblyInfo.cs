using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Evm.Tests")]
