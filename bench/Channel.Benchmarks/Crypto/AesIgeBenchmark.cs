using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Channel.MTProto.Crypto;

namespace Channel.Benchmarks.Crypto;

/// <summary>
/// AES-256-IGE throughput: our AES-NI path, our portable path and OpenSSL's AES_ige_encrypt, side by side.
/// OpenSSL is the baseline of each category, so the Ratio column reads as "times OpenSSL's time".
/// Every implementation expands the key on each call, as a real MTProto message (fresh key per message) does.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class AesIgeBenchmark
{
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _iv = new byte[32];
    private byte[] _plain = [];
    private byte[] _cipher = [];
    private byte[] _output = [];

    [Params(1024, 1048576)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        random.NextBytes(_key);
        random.NextBytes(_iv);
        _plain = new byte[Size];
        random.NextBytes(_plain);
        _cipher = new byte[Size];
        _output = new byte[Size];
        AesIge.EncryptPortable(_key, _iv, _plain, _cipher);

        // Refuse to time implementations that disagree.
        OpenSslIge.Transform(_key, _iv, _plain, _output, encrypt: true);
        if (!_output.AsSpan().SequenceEqual(_cipher))
        {
            throw new InvalidOperationException("OpenSSL and the portable IGE disagree.");
        }

        if (AesIge.IsHardwareAccelerated)
        {
            AesIge.EncryptHardware(_key, _iv, _plain, _output);
            if (!_output.AsSpan().SequenceEqual(_cipher))
            {
                throw new InvalidOperationException("The AES-NI and the portable IGE disagree.");
            }
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Encrypt")]
    public void OpenSslEncrypt() => OpenSslIge.Transform(_key, _iv, _plain, _output, encrypt: true);

    [Benchmark, BenchmarkCategory("Encrypt")]
    public void HardwareEncrypt() => AesIge.EncryptHardware(_key, _iv, _plain, _output);

    [Benchmark, BenchmarkCategory("Encrypt")]
    public void PortableEncrypt() => AesIge.EncryptPortable(_key, _iv, _plain, _output);

    [Benchmark(Baseline = true), BenchmarkCategory("Decrypt")]
    public void OpenSslDecrypt() => OpenSslIge.Transform(_key, _iv, _cipher, _output, encrypt: false);

    [Benchmark, BenchmarkCategory("Decrypt")]
    public void HardwareDecrypt() => AesIge.DecryptHardware(_key, _iv, _cipher, _output);

    [Benchmark, BenchmarkCategory("Decrypt")]
    public void PortableDecrypt() => AesIge.DecryptPortable(_key, _iv, _cipher, _output);
}
