using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkMl.Compiler.Tests")]
// The ONNX fuzzer edits the parsed protobuf (ModelProto) to reach the importer behind the wire format.
[assembly: InternalsVisibleTo("ZkMl.Fuzz.Tests")]
// The inference tests build small ONNX graphs (ModelProto) that the exporter cannot write (a per-channel PRelu) to prove them.
[assembly: InternalsVisibleTo("ZkMl.Inference.Tests")]
// The on-chain verifier's tests run the witness of a prover forced to cheat on the input range check (RunQuantized without it).
[assembly: InternalsVisibleTo("ZkMl.Evm.Tests")]
