namespace ZkMl.Proofs.Tests;

public class SmokeTests
{
    [Fact]
    public void RepositoryRootIsFound() => Assert.True(File.Exists(Path.Combine(ZkMl.TestKit.RepoPaths.Root, "ZkMl.sln")));
}
