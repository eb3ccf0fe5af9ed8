using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Compiler.Tests")]
