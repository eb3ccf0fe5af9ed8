namespace ZkMl.Proofs.Tests;

/// <summary>
/// The test classes that switch the process-wide <see cref="ZkMl.Algebra.FrBatch"/> kernel (save, set, restore) run one after
/// another: two of them interleaving could restore each other's switch and leave the Scalar kernel set, and every later
/// "vector path" check would then compare the scalar loop with itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FrBatchKernelCollection
{
    public const string Name = "FrBatch kernel switch";
}
