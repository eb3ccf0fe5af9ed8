using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>Shares one <see cref="PtauFixture"/> between the test classes that read .ptau files.</summary>
[CollectionDefinition(Name)]
public sealed class PtauCollection : ICollectionFixture<PtauFixture>
{
    public const string Name = "ptau";
}
