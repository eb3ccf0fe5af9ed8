using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Inference.Tests")]
// The known-τ forgery test builds a proving key around a model vector that setup would never make.
[assembly: InternalsVisibleTo("ZkMl.Cli.Tests")]
// The Solidity verifier generator lays out the same vectors: it uses KeyShape/BatchShape/ProofParts instead of a copy.
[assembly: InternalsVisibleTo("ZkMl.Evm")]
// The on-chain verifier's tests replay the forced-cheating proofs of the input range check (ZkInference.Prove without the
// lookup checks, AnyInputLayoutForTests) against the generated contract.
[assembly: InternalsVisibleTo("ZkMl.Evm.Tests")]
