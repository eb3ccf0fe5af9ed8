using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ZkMl.Algebra.IO;

/// <summary>
/// Writes files so that a reader never sees a half-written one: the bytes go to a unique temp
/// file in the same folder, which is then renamed over the target (atomic on one file system).
/// Shared by every project that writes an output (circuits, keys, SRS caches, ONNX exports, CLI).
/// A process stopped by SIGTERM, SIGINT, SIGHUP or SIGQUIT while writing removes its temp files;
/// errors name the target, not the hidden temp file.
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Pending = new();
    private static readonly Lazy<PosixSignalRegistration[]> Signals = new(RegisterSignals);

    // Taken to create a temp file, to rename it, and by the signal handler: a stopping process never
    // renames a temp file the handler is deleting, and never starts a new one.
    private static readonly Lock Gate = new();
    private static volatile bool stopping;

    /// <summary>Bytes per write call: a signal is noticed between chunks (one huge write() would hold the file until it ends).</summary>
    private const int Chunk = 4 << 20;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating the folder if needed.</summary>
    /// <exception cref="IOException">The file or its folder cannot be written (the message names <paramref name="path"/>), or the process is being stopped by a signal.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write there.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, secret: false);

    /// <summary>
    /// As <see cref="WriteAllBytes"/> for a secret file (blindings, input openings): on Unix the temp file is created with mode
    /// 0600 (owner read/write only) before any byte is written, and the rename keeps the mode, so the secret is never readable
    /// by others, not even half-written. (Windows: the folder's ACL applies.)
    /// </summary>
    /// <exception cref="IOException">As <see cref="WriteAllBytes"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">As <see cref="WriteAllBytes"/>.</exception>
    public static void WriteSecret(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, secret: true);

    private static void Write(string path, ReadOnlySpan<byte> bytes, bool secret)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        string tmp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _ = Signals.Value;
        try
        {
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            FileStream f;
            lock (Gate)
            {
                if (stopping) throw new IOException($"{full}: not written, the process is stopping");
                Pending[tmp] = 0;
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 };
                if (secret && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                f = new FileStream(tmp, options);
            }
            using (f)
            {
                TempCreated?.Invoke(tmp);
                for (int o = 0; o < bytes.Length; o += Chunk)
                {
                    if (stopping) throw new IOException($"{full}: not written, the process is stopping");
                    f.Write(bytes.Slice(o, Math.Min(Chunk, bytes.Length - o)));
                }
            }
            lock (Gate)
            {
                if (stopping) throw new IOException($"{full}: not written, the process is stopping");
                File.Move(tmp, full, overwrite: true);
                Pending.TryRemove(tmp, out _);
            }
        }
        catch (IOException e) when (e.Message.Contains(tmp, StringComparison.Ordinal))
        {
            throw new IOException(e.Message.Replace(tmp, full, StringComparison.Ordinal), e);
        }
        catch (UnauthorizedAccessException e) when (e.Message.Contains(tmp, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException(e.Message.Replace(tmp, full, StringComparison.Ordinal), e);
        }
        finally
        {
            try { if (File.Exists(tmp)) File.Delete(tmp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            Pending.TryRemove(tmp, out _);
        }
    }

    /// <summary>Test hook: called with the temp file's path once it is created and before the bytes are written.</summary>
    internal static Action<string>? TempCreated { get; set; }

    /// <summary>The signal handlers' work: no new temp file and no rename from now on, and every pending temp file deleted.</summary>
    private static void OnStopSignal()
    {
        lock (Gate)
        {
            stopping = true;
            RemovePendingTemps();
        }
    }

    /// <summary>Deletes every temp file that a write in progress has created.</summary>
    internal static void RemovePendingTemps()
    {
        foreach (var tmp in Pending.Keys)
        {
            try { File.Delete(tmp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static PosixSignalRegistration[] RegisterSignals()
    {
        var list = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            // The handler does not cancel the signal: the runtime's default (ending the process) follows.
            try { list.Add(PosixSignalRegistration.Create(signal, _ => OnStopSignal())); }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException) { }
        }
        return list.ToArray();
    }
}
