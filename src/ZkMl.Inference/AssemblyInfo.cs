using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Inference.Tests")]
// The Solidity verifier generator lays out the same vectors: it uses KeyShape/BatchShape/ProofParts instead of a copy.
[assembly: InternalsVisibleTo("ZkMl.Evm")]
