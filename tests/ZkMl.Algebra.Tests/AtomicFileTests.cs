using ZkMl.Algebra.IO;

namespace ZkMl.Algebra.Tests;

/// <summary>AtomicFile: no half-written target, temp files removed when the process is stopped, errors naming the target.</summary>
public class AtomicFileTests
{
    [Fact]
    public void A_secret_file_is_owner_only_and_replaces_a_readable_one()
    {
        if (OperatingSystem.IsWindows()) return; // the folder's ACL applies there
        string dir = Directory.CreateTempSubdirectory("zkml-atomic-secret-").FullName;
        try
        {
            string target = Path.Combine(dir, "model.secret");
            AtomicFile.WriteAllBytes(target, [1, 2, 3]);
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Assert.True((File.GetUnixFileMode(target) & UnixFileMode.OtherRead) != 0); // the control: a plain write is readable
            AtomicFile.WriteSecret(target, [4, 5, 6]);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
            Assert.Equal(new byte[] { 4, 5, 6 }, File.ReadAllBytes(target));
            Assert.Single(Directory.GetFiles(dir)); // no temporary file left
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ASignalDuringTheWriteRemovesTheTempAndLeavesNoTarget()
    {
        string dir = Directory.CreateTempSubdirectory("zkml-atomic-").FullName;
        try
        {
            string target = Path.Combine(dir, "out.bin");
            string? seen = null;
            // What the SIGTERM/SIGINT handler does, run at the worst moment: the temp exists, no byte written yet.
            AtomicFile.TempCreated = tmp => { seen = tmp; Assert.True(File.Exists(tmp)); AtomicFile.RemovePendingTemps(); };
            try
            {
                var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(target, new byte[1000]));
                Assert.DoesNotContain(".tmp", e.Message);
            }
            finally { AtomicFile.TempCreated = null; }
            Assert.NotNull(seen);
            Assert.False(File.Exists(seen));
            Assert.False(File.Exists(target));
            Assert.Empty(Directory.GetFiles(dir));

            // No write in progress: nothing pending, a normal write is untouched by the cleanup.
            AtomicFile.WriteAllBytes(target, [1, 2, 3]);
            AtomicFile.RemovePendingTemps();
            Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AnUnwritableTargetIsNamedNotTheTemp()
    {
        string dir = Directory.CreateTempSubdirectory("zkml-atomic-").FullName;
        try
        {
            string blocker = Path.Combine(dir, "file");
            File.WriteAllText(blocker, "x");
            string target = Path.Combine(blocker, "out.bin");   // a path under a regular file
            var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(target, [1]));
            Assert.DoesNotContain(".tmp", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
