using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Oath;
using Cipherpad.Core.Payments;

namespace Cipherpad.Benchmarks;

/// <summary>
/// OCRA compute and verify for Cipherpad's login and payment suites, beside the raw HMAC-SHA256 of the very
/// same message: the limit no implementation can beat. Each category has its own baseline, so every ratio is
/// to the raw HMACs of the same length and count.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class OcraBenchmarks : IDisposable
{
    private const string Question = "12345678";
    private const long TimeStep = 29833333;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(TimeStep * 60);

    private readonly OcraSuite _loginSuite = AnswerSuites.For(Purpose.Login, 8);
    private readonly OcraSuite _paymentSuite = AnswerSuites.For(Purpose.Payment, 8);
    private readonly PaymentDetails _payment = PaymentDetails.Create("123456789012", "12.50", "USD");
    private readonly char[] _response = new char[Ocra.MaxResponseLength];
    private readonly byte[] _mac = new byte[32];
    private DeviceKeys _keys = null!;
    private byte[] _loginKey = null!;
    private byte[] _paymentKey = null!;
    private byte[] _loginMessage = null!;
    private byte[] _paymentMessage = null!;
    private string _loginAnswer = null!;
    private string _paymentAnswer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = new DeviceKeys(SHA256.HashData("Cipherpad benchmark device"u8));
        _loginKey = _keys.AnswerKey(Purpose.Login).ToArray();
        _paymentKey = _keys.AnswerKey(Purpose.Payment).ToArray();
        _loginMessage = new byte[_loginSuite.MessageLength];
        _paymentMessage = new byte[_paymentSuite.MessageLength];
        RandomNumberGenerator.Fill(_loginMessage);
        RandomNumberGenerator.Fill(_paymentMessage);
        _loginAnswer = Answer.Compute(_keys, Purpose.Login, Question, Now);
        _paymentAnswer = Answer.Compute(_keys, Purpose.Payment, Question, Now, _payment);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _keys.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("login")]
    public int Raw_HMACSHA256_login_message() => HMACSHA256.HashData(_loginKey, _loginMessage, _mac);

    [Benchmark]
    [BenchmarkCategory("login")]
    public OcraError? Ocra_compute_login() =>
        Ocra.TryCompute(_loginSuite, _loginKey, new OcraInput(Question) { TimeStep = TimeStep }, _response, out _);

    [Benchmark]
    [BenchmarkCategory("login")]
    public bool Ocra_verify_login() =>
        Ocra.Verify(_loginSuite, _loginKey, new OcraInput(Question) { TimeStep = TimeStep }, _loginAnswer);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("payment")]
    public int Raw_HMACSHA256_payment_message() => HMACSHA256.HashData(_paymentKey, _paymentMessage, _mac);

    [Benchmark]
    [BenchmarkCategory("payment")]
    public OcraError? Ocra_compute_payment() =>
        Ocra.TryCompute(_paymentSuite, _paymentKey, new OcraInput(Question) { Session = _payment.SessionData, TimeStep = TimeStep }, _response, out _);

    [Benchmark]
    [BenchmarkCategory("payment")]
    public bool Ocra_verify_payment() =>
        Ocra.Verify(_paymentSuite, _paymentKey, new OcraInput(Question) { Session = _payment.SessionData, TimeStep = TimeStep }, _paymentAnswer);

    /// <summary>The floor of a window verify: the HMACs of its seven minutes and nothing else.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("window")]
    public int Raw_HMACSHA256_login_message_7_times()
    {
        var written = 0;
        for (var step = 0; step < 7; step++)
        {
            written += HMACSHA256.HashData(_loginKey, _loginMessage, _mac);
        }
        return written;
    }

    /// <summary>What the server does per answer: verify every minute of the default window (7 OCRA values).</summary>
    [Benchmark]
    [BenchmarkCategory("window")]
    public AnswerVerdict Answer_verify_login_default_window() =>
        Answer.Verify(_keys, Purpose.Login, Question, null, _loginAnswer, Now, TimeWindow.Default);

    [Benchmark]
    [BenchmarkCategory("window")]
    public AnswerVerdict Answer_verify_payment_default_window() =>
        Answer.Verify(_keys, Purpose.Payment, Question, _payment, _paymentAnswer, Now, TimeWindow.Default);
}
