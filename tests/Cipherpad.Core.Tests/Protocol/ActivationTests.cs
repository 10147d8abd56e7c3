using Cipherpad.Core.Activation;

namespace Cipherpad.Core.Tests.Protocol;

public sealed class ActivationTests
{
    private const string Email = "ann@example.com";
    private const string ActivationId = "act_1";
    private const string Code = "123456789012";

    [Fact]
    public void Both_sides_agree_on_the_device_secret_without_sending_it()
    {
        using var server = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, "1234-5678-9012", server.ServerPublicKey)!;

        var result = server.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);
        var clientSecret = client.Finish(result.ServerConfirmation);

        Assert.True(result.Succeeded);
        Assert.Equal(32, result.DeviceSecret!.Length);
        Assert.Equal(result.DeviceSecret, clientSecret);
        Assert.DoesNotContain(Convert.ToHexString(result.DeviceSecret), Convert.ToHexString(client.ClientConfirmation));
    }

    [Fact]
    public void A_wrong_activation_code_is_refused_by_the_server()
    {
        using var server = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, "123456789013", server.ServerPublicKey)!;

        var result = server.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);

        Assert.Equal(ActivationFailure.ClientNotConfirmed, result.Failure);
        Assert.Null(result.DeviceSecret);
        Assert.Null(result.ServerConfirmation);
    }

    [Fact]
    public void Another_account_or_activation_id_does_not_confirm()
    {
        using var server = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, Code, server.ServerPublicKey)!;
        Assert.False(server.Finish("bob@example.com", ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation).Succeeded);
        Assert.False(server.Finish(Email, "act_2", Code, client.ClientPublicKey, client.ClientConfirmation).Succeeded);
        Assert.True(server.Finish(" ANN@example.com", ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation).Succeeded);
    }

    [Fact]
    public void An_impostor_server_cannot_confirm_itself_to_the_client()
    {
        using var realServer = ActivationServer.Start();
        using var impostor = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, Code, impostor.ServerPublicKey)!;

        // Without the code the impostor can only guess; its guess does not confirm.
        var guess = impostor.Finish(Email, ActivationId, "000000000000", client.ClientPublicKey, client.ClientConfirmation);
        Assert.False(guess.Succeeded);
        var realResult = realServer.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);
        Assert.False(realResult.Succeeded);
        Assert.Null(client.Finish(new byte[32]));
    }

    [Fact]
    public void A_man_in_the_middle_who_swaps_keys_is_detected()
    {
        using var server = ActivationServer.Start();
        using var attacker = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, Code, attacker.ServerPublicKey)!;
        // The attacker forwards the client's messages to the real server unchanged.
        var result = server.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);
        Assert.Equal(ActivationFailure.ClientNotConfirmed, result.Failure);
    }

    [Fact]
    public void A_tampered_server_confirmation_leaves_the_client_without_a_secret()
    {
        using var server = ActivationServer.Start();
        using var client = ActivationClient.Begin(Email, ActivationId, Code, server.ServerPublicKey)!;
        var result = server.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);
        var confirmation = result.ServerConfirmation!.ToArray();
        confirmation[0] ^= 1;
        Assert.Null(client.Finish(confirmation));
        Assert.NotNull(client.Finish(result.ServerConfirmation));
    }

    [Fact]
    public void Invalid_public_keys_are_refused_on_both_sides()
    {
        var notOnCurve = new byte[65];
        notOnCurve[0] = 4;
        Assert.Null(ActivationClient.Begin(Email, ActivationId, Code, notOnCurve));
        Assert.Null(ActivationClient.Begin(Email, ActivationId, Code, new byte[33]));
        using var server = ActivationServer.Start();
        Assert.Equal(ActivationFailure.InvalidPublicKey, server.Finish(Email, ActivationId, Code, notOnCurve, new byte[32]).Failure);
    }

    [Fact]
    public void A_malformed_activation_code_is_an_argument_error()
    {
        using var server = ActivationServer.Start();
        Assert.Throws<ArgumentException>(() => ActivationClient.Begin(Email, ActivationId, "12345", server.ServerPublicKey));
        Assert.Throws<ArgumentException>(() => server.Finish(Email, ActivationId, "abc", new byte[65], new byte[32]));
    }

    [Fact]
    public void Another_server_instance_can_finish_from_the_exported_key()
    {
        byte[] exported;
        byte[] publicKey;
        using (var first = ActivationServer.Start())
        {
            exported = first.ExportEphemeralKey();
            publicKey = first.ServerPublicKey;
        }
        using var client = ActivationClient.Begin(Email, ActivationId, Code, publicKey)!;
        using var second = ActivationServer.Resume(exported);

        var result = second.Finish(Email, ActivationId, Code, client.ClientPublicKey, client.ClientConfirmation);

        Assert.True(result.Succeeded);
        Assert.Equal(result.DeviceSecret, client.Finish(result.ServerConfirmation));
    }

    [Theory]
    [InlineData("1234-5678-9012", "123456789012")]
    [InlineData(" 1234 5678 9012 ", "123456789012")]
    [InlineData("12345678901", null)]
    [InlineData("1234567890123", null)]
    [InlineData("1234-5678-901a", null)]
    [InlineData(null, null)]
    public void Activation_codes_are_read_tolerantly(string? typed, string? expected) =>
        Assert.Equal(expected, ActivationCode.Normalize(typed));

    [Fact]
    public void Activation_codes_are_twelve_random_digits_shown_in_groups()
    {
        var code = ActivationCode.Generate();
        Assert.Equal(12, code.Length);
        Assert.All(code, c => Assert.True(char.IsAsciiDigit(c)));
        Assert.Equal("4711-0815-2342", ActivationCode.Format("471108152342"));
        Assert.NotEqual(ActivationCode.Generate(), ActivationCode.Generate());
    }
}
