using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Proofs.Tests")]
// The Solidity verifier generator lays out the same vectors: it uses KeyShape/BatchShape/ProofParts instead of a copy.
[assembly: InternalsVisibleTo("ZkMl.Evm")]
// The inference protocol builds on the toolkit's internal helpers (transcript labels, MSM internals).
[assembly: InternalsVisibleTo("ZkMl.Inference")]
