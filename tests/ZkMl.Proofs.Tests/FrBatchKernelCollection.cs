using ZkMl.Algebra;

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

/// <summary>What the kernel tests of <see cref="FrBatchKernelCollection"/> share: edge-valued vectors and the kernel switch.</summary>
internal static class FrKernelTesting
{
    /// <summary>Random entries with −1 at every 11th index and 0 at every 13th (the edge values of the products).</summary>
    internal static Fr[] RandomVector(Random rng, int len) =>
        Enumerable.Range(0, len).Select(i => i % 11 == 0 ? Fr.Zero - Fr.One : i % 13 == 0 ? Fr.Zero : Fr.Random(rng)).ToArray();

    /// <summary>Runs <paramref name="f"/> with <see cref="FrBatch.Kernel"/> set to <paramref name="kernel"/>, then restores it.</summary>
    internal static T WithKernel<T>(FrBatch.Mul8Kernel kernel, Func<T> f)
    {
        var before = FrBatch.Kernel;
        FrBatch.Kernel = kernel;
        try { return f(); }
        finally { FrBatch.Kernel = before; }
    }
}
