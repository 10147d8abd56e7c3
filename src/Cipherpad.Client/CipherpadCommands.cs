using System.CommandLine;
using System.Globalization;
using Cipherpad.Core.Activation;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Core.Payments;

namespace Cipherpad.Client;

/// <summary>The <c>cipherpad</c> command line: activate, answer, confirm, pay, accounts, pin, vault, settings, deactivate.</summary>
public static partial class CipherpadCommands
{
    private static readonly Option<string?> Home = new("--home")
    {
        Description = "The folder of the cipher pad's file (default: $CIPHERPAD_HOME, else ~/.cipherpad).",
        Recursive = true,
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Machine-readable output.", Recursive = true };

    private static readonly Option<bool> PinStdin = new("--pin-stdin")
    {
        Description = "Read the PIN (and a new PIN) as lines of standard input. CIPHERPAD_PIN also works.",
        Recursive = true,
    };

    private static readonly Option<string?> AccountOption = new("--account") { Description = "The account's e-mail, when the pad has several." };

    public static RootCommand Build()
    {
        var root = new RootCommand("Cipherpad cipher pad: turns a site's question into the answer, offline after activation.");
        root.Options.Add(Home);
        root.Options.Add(Json);
        root.Options.Add(PinStdin);
        root.Subcommands.Add(ActivateCommand());
        root.Subcommands.Add(AnswerCommand());
        root.Subcommands.Add(ConfirmCommand());
        root.Subcommands.Add(PayCommand());
        root.Subcommands.Add(AccountsCommand());
        root.Subcommands.Add(PinCommand());
        root.Subcommands.Add(VaultCommand());
        root.Subcommands.Add(SettingsCommand());
        root.Subcommands.Add(DeactivateCommand());
        return root;
    }

    private static Command ActivateCommand()
    {
        var server = new Option<string>("--server") { Description = "The Cipherpad server, such as http://localhost:5080.", Required = true };
        var email = new Option<string>("--email") { Description = "Your account's e-mail.", Required = true };
        var code = new Option<string?>("--code") { Description = "The activation code from the SMS (asked for when left out)." };
        var name = new Option<string?>("--name") { Description = "A name for this cipher pad, shown in your personal account." };
        var command = new Command("activate", "Activate this cipher pad for an account with the code from the SMS.") { server, email, code, name };
        command.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            // As the server stores it and the transcript binds it (docs/protocol.md §6): trimmed, only A–Z lowercased.
            var address = KeyAgreement.NormalizeEmail(result.GetValue(email)!);
            if (!Uri.TryCreate(result.GetValue(server), UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("http" or "https"))
            {
                throw new CipherpadCliException($"--server must be the server's http(s) address, such as http://localhost:5080; '{result.GetValue(server)}' is not.", 2, "usage");
            }
            var typedCode = result.GetValue(code) ?? Terminal.ReadLine("Activation code: ");
            var digits = ActivationCode.Normalize(typedCode) ?? throw new CipherpadCliException($"An activation code is {ActivationCode.Length} digits, such as 4711-0815-2342.", 2, "usage");
            var home = HomeDirectory(result);
            string pin;
            if (PadStore.TryPeek(home, out _))
            {
                pin = terminal.ReadPin();
            }
            else
            {
                pin = terminal.ReadInitialPin();
                CheckPinRules(pin);
            }
            // The lock is held through the server's two calls, so no other run changes the pad before the account is added.
            using var store = Lock(home);
            var vault = store.Exists ? Unlock(store, pin) : NewVault(pin);
            // Nothing about the new account is written unless the server confirmed it: a failed activation leaves no PIN behind.
            var (secret, deviceId) = await ActivationApi.ActivateAsync(serverUri, address, digits,
                result.GetValue(name) ?? $"cipherpad on {Environment.MachineName}", cancellationToken);
            vault.Accounts.RemoveAll(a => a.Email == address);
            vault.Accounts.Add(new PadAccount
            {
                Email = address,
                Server = serverUri.ToString().TrimEnd('/'),
                DeviceId = deviceId,
                DeviceSecret = Convert.ToBase64String(secret),
                ActivatedAt = DateTimeOffset.UtcNow,
            });
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            if (store.Exists)
            {
                store.Save(pin, vault);
            }
            else
            {
                store.Create(pin, NewStoreIterations(), vault);
            }
            terminal.Result($"Activated: {address} at {serverUri.ToString().TrimEnd('/')}. This cipher pad now answers offline.", new { activated = address, server = serverUri, deviceId });
            return 0;
        }));
        return command;
    }

    private static Command AnswerCommand() =>
        QuestionCommand("answer", "Print the answer to a login question (typed, or scanned with --qr).", Purpose.Login);

    private static Command ConfirmCommand() =>
        QuestionCommand("confirm", "Print the answer that confirms an action (change keys, add a correspondent, change settings).", Purpose.Action);

    private static Command PayCommand() =>
        QuestionCommand("pay", "Print the answer that confirms exactly this payment: payee, amount and currency.", Purpose.Payment);

    private static Command QuestionCommand(string name, string description, Purpose purpose)
    {
        var question = new Argument<string?>("question") { Description = "The digits the site shows.", Arity = ArgumentArity.ZeroOrOne };
        var qr = new Option<string?>("--qr")
        {
            Description = "The site's QR code: its text, or an image file of it. The pad shows the verified request and refuses a changed or expired one.",
        };
        var command = new Command(name, description) { question, AccountOption, qr };
        Option<string?>? payee = null, amount = null, currency = null;
        if (purpose == Purpose.Payment)
        {
            payee = new Option<string?>("--payee") { Description = "Who is paid, exactly as the site shows it." };
            amount = new Option<string?>("--amount") { Description = "The amount, such as 12.50." };
            currency = new Option<string?>("--currency") { Description = "The currency code, such as USD." };
            command.Options.Add(payee);
            command.Options.Add(amount);
            command.Options.Add(currency);
        }
        command.SetAction((result, _) => Run(result, terminal =>
        {
            var qrValue = result.GetValue(qr);
            // Spaces may group the digits; a dash joins the parts of a compound question.
            var typedQuestion = result.GetValue(question)?.Replace(" ", "", StringComparison.Ordinal);
            PaymentDetails? payment = null;
            if (qrValue is null)
            {
                if (typedQuestion is null)
                {
                    throw new CipherpadCliException("Give the question (the digits the site shows), or its QR code with --qr.", 2, "usage");
                }
                if (purpose == Purpose.Payment && !PaymentDetails.TryCreate(result.GetValue(payee!), result.GetValue(amount!), result.GetValue(currency!),
                    out payment, out var paymentError))
                {
                    throw new CipherpadCliException("A payment needs --payee, --amount and --currency: " + paymentError.Message, 2, "usage");
                }
            }
            if (typedQuestion is not null && Question.PartCount(typedQuestion) == 0)
            {
                throw new CipherpadCliException(
                    $"A question is {Question.MinLength} to {Question.MaxLength} digits, or up to {Question.MaxParts} such parts joined by '{Question.Separator}'; '{result.GetValue(question)}' is not.",
                    2, "usage");
            }

            using var pad = Open(result, terminal, forAnswer: true);
            var vault = pad.Vault;
            PadAccount account;
            string? verified = null;
            string questionText;
            if (qrValue is not null)
            {
                var request = OpenRequest(vault, qrValue, purpose);
                account = request.Account;
                questionText = request.Payload.Question;
                payment = request.Payload.Payment;
                verified = "Verified: " + request.Payload.Describe();
                if (typedQuestion is not null && typedQuestion != questionText)
                {
                    throw new CipherpadCliException($"The QR code asks question {questionText}, not {typedQuestion}.", 1, "mismatch");
                }
            }
            else
            {
                account = ChooseAccount(vault, result.GetValue(AccountOption));
                questionText = typedQuestion!;
            }
            using var keys = new DeviceKeys(Convert.FromBase64String(account.DeviceSecret));
            var answer = Answer.Compute(keys, purpose, questionText, DateTimeOffset.UtcNow, payment);
            var shown = vault.Settings.Grouped ? Answer.Group(answer) : answer;
            var confirming = payment is null ? null : $"Confirming: pay {payment}";
            var text = string.Join(Environment.NewLine, new[] { verified ?? confirming, shown }.Where(line => line is not null));
            terminal.Result(text, new
            {
                answer,
                grouped = Answer.Group(answer),
                account = account.Email,
                purpose = purpose.WireName(),
                question = questionText,
                verified,
                payment = payment is null ? null : new { payee = payment.Payee, amount = payment.Amount, currency = payment.Currency.Code },
            });
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>Opens a QR payload against every account on the pad; only a verified request of the right purpose is answered.</summary>
    private static (PadAccount Account, RequestPayload Payload) OpenRequest(PadVault vault, string qrValue, Purpose purpose)
    {
        var text = File.Exists(qrValue) ? QrImage.Decode(qrValue) : qrValue;
        var devices = vault.Accounts.Select(a => (Account: a, Keys: new DeviceKeys(Convert.FromBase64String(a.DeviceSecret)))).ToList();
        try
        {
            var opening = RequestPayload.Open(text, devices.Select(d => d.Keys), DateTimeOffset.UtcNow);
            if (opening.Status != PayloadStatus.Verified)
            {
                var code = opening.Status switch
                {
                    PayloadStatus.Tampered => "tampered",
                    PayloadStatus.Expired => "expired",
                    PayloadStatus.NotForThisDevice => "not-for-this-device",
                    _ => "malformed",
                };
                throw new CipherpadCliException(opening.Message, 1, code);
            }
            var payload = opening.Payload!;
            if (payload.Purpose != purpose)
            {
                var command = payload.Purpose switch { Purpose.Payment => "pay", Purpose.Action => "confirm", _ => "answer" };
                throw new CipherpadCliException($"This QR code asks to {payload.Describe()}: use 'cipherpad {command} --qr'.", 1, "wrong-purpose");
            }
            return (devices.Single(d => ReferenceEquals(d.Keys, opening.Device)).Account, payload);
        }
        finally
        {
            devices.ForEach(d => d.Keys.Dispose());
        }
    }

    private static Command AccountsCommand()
    {
        var command = new Command("accounts", "List the accounts on this cipher pad.");
        command.SetAction((result, _) => Run(result, terminal =>
        {
            using var pad = Open(result, terminal);
            var vault = pad.Vault;
            var lines = vault.Accounts.Select(a => $"{a.Email}  {a.Server}  (activated {a.ActivatedAt:u})");
            terminal.Result(vault.Accounts.Count == 0 ? "No accounts." : string.Join(Environment.NewLine, lines),
                vault.Accounts.Select(a => new { email = a.Email, server = a.Server, deviceId = a.DeviceId, activatedAt = a.ActivatedAt }));
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command PinCommand()
    {
        var command = new Command("pin", "Change the PIN.");
        command.SetAction((result, _) => Run(result, terminal =>
        {
            string? newPin = null;
            using var pad = Open(result, terminal, beforeUnlock: () =>
            {
                newPin = terminal.ReadNewPin();
                CheckPinRules(newPin);
            });
            pad.Store.Save(newPin!, pad.Vault);
            terminal.Result("PIN changed.", new { changed = true });
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command SettingsCommand()
    {
        var autoDeactivate = new Option<int?>("--auto-deactivate") { Description = "Erase the pad after 3, 5 or 10 wrong PINs in a row." };
        var paranoid = new Option<bool?>("--paranoid") { Description = "true: the PIN must be entered for every answer (CIPHERPAD_PIN is not used for answers)." };
        var grouped = new Option<bool?>("--grouped") { Description = "true: show answers as 1234 5678." };
        var command = new Command("settings", "Show or change the settings.") { autoDeactivate, paranoid, grouped };
        command.SetAction((result, _) => Run(result, terminal =>
        {
            using var pad = Open(result, terminal);
            var vault = pad.Vault;
            var changed = false;
            if (result.GetValue(autoDeactivate) is { } limit)
            {
                if (limit is not (3 or 5 or 10))
                {
                    throw new CipherpadCliException("--auto-deactivate is 3, 5 or 10.", 2, "usage");
                }
                vault.Settings.AutoDeactivateAfter = limit;
                changed = true;
            }
            if (result.GetValue(paranoid) is { } paranoidValue)
            {
                vault.Settings.Paranoid = paranoidValue;
                changed = true;
            }
            if (result.GetValue(grouped) is { } groupedValue)
            {
                vault.Settings.Grouped = groupedValue;
                changed = true;
            }
            if (changed)
            {
                pad.Store.Save(pad.Pin, vault);
            }
            var s = vault.Settings;
            terminal.Result(string.Create(CultureInfo.InvariantCulture,
                $"auto-deactivate after {s.AutoDeactivateAfter} wrong PINs; paranoid {(s.Paranoid ? "on" : "off")}; grouped answers {(s.Grouped ? "on" : "off")}"),
                new { autoDeactivateAfter = s.AutoDeactivateAfter, paranoid = s.Paranoid, grouped = s.Grouped });
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command DeactivateCommand()
    {
        var all = new Option<bool>("--all") { Description = "Erase the whole cipher pad: every account and the PIN." };
        var command = new Command("deactivate", "Erase an account (or, with --all, everything) from this cipher pad.") { AccountOption, all };
        command.SetAction((result, _) => Run(result, terminal =>
        {
            using var pad = Open(result, terminal);
            var vault = pad.Vault;
            if (result.GetValue(all) || vault.Accounts.Count <= 1 && result.GetValue(AccountOption) is null)
            {
                pad.Store.Erase();
                terminal.Result("This cipher pad is erased.", new { erased = true });
                return Task.FromResult(0);
            }
            var account = ChooseAccount(vault, result.GetValue(AccountOption));
            vault.Accounts.Remove(account);
            pad.Store.Save(pad.Pin, vault);
            terminal.Result($"{account.Email} is erased from this cipher pad.", new { erased = account.Email });
            return Task.FromResult(0);
        }));
        return command;
    }

    private static async Task<int> Run(ParseResult result, Func<Terminal, Task<int>> action)
    {
        var json = result.GetValue(Json);
        try
        {
            return await action(new Terminal(json, result.GetValue(PinStdin)));
        }
        catch (CipherpadCliException exception)
        {
            Terminal.Error(exception.Message, json, exception.Code);
            return exception.ExitCode;
        }
        catch (PadFileDamagedException exception)
        {
            Terminal.Error(exception.Message, json, "damaged");
            return 5;
        }
        catch (TimeoutException exception)
        {
            Terminal.Error(exception.Message, json, "busy");
            return 1;
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Terminal.Error(exception.Message, json, "store");
            return 1;
        }
    }

    /// <summary>An unlocked pad whose lock is held until it is disposed.</summary>
    private sealed class OpenPad(PadStore store, PadVault vault, string pin) : IDisposable
    {
        public PadStore Store { get; } = store;
        public PadVault Vault { get; } = vault;
        public string Pin { get; } = pin;

        public void Dispose() => Store.Dispose();
    }

    /// <summary>
    /// Reads the PIN (and whatever <paramref name="beforeUnlock"/> reads), then takes the pad's lock and unlocks it. The
    /// lock is taken after every prompt, so a person typing does not hold up other runs.
    /// </summary>
    private static OpenPad Open(ParseResult result, Terminal terminal, bool forAnswer = false, Action? beforeUnlock = null)
    {
        var home = HomeDirectory(result);
        if (!PadStore.TryPeek(home, out var paranoid))
        {
            throw NotActivated(home);
        }
        var pin = terminal.ReadPin(allowEnvironment: !(forAnswer && paranoid));
        beforeUnlock?.Invoke();
        var store = Lock(home);
        try
        {
            if (!store.Exists)
            {
                throw NotActivated(home);
            }
            return new OpenPad(store, Unlock(store, pin), pin);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static PadStore Lock(string home) => PadStore.Open(home, PadStore.LockTimeout);

    private static CipherpadCliException NotActivated(string home) =>
        new($"This cipher pad is not activated yet (no file in {home}): run 'cipherpad activate'.", 1, "not-activated");

    private static PadVault NewVault(string pin)
    {
        CheckPinRules(pin);
        return new PadVault();
    }

    private static PadVault Unlock(PadStore store, string pin)
    {
        var limit = store.AutoDeactivateAfter;
        var vault = store.Unlock(pin, out var erased);
        if (erased)
        {
            throw new CipherpadCliException($"Wrong PIN {limit} times in a row: this cipher pad erased itself. Activate it again.", 4, "erased");
        }
        return vault ?? throw new CipherpadCliException(
            $"Wrong PIN. {store.AutoDeactivateAfter - store.WrongPins} more wrong PIN(s) and this cipher pad erases itself.", 3, "wrong-pin");
    }

    private static PadAccount ChooseAccount(PadVault vault, string? email)
    {
        if (vault.Accounts.Count == 0)
        {
            throw new CipherpadCliException("There are no accounts on this cipher pad: run 'cipherpad activate'.", 1, "not-activated");
        }
        if (email is null)
        {
            return vault.Accounts.Count == 1 ? vault.Accounts[0]
                : throw new CipherpadCliException("This cipher pad has several accounts: choose one with --account " +
                    string.Join(" | ", vault.Accounts.Select(a => a.Email)), 2, "usage");
        }
        var wanted = KeyAgreement.NormalizeEmail(email);
        // Earlier versions stored the address with every letter lowercased, Ä as ä too: a pad activated then is found by that form.
        var earlier = wanted.ToLowerInvariant();
        return vault.Accounts.FirstOrDefault(a => a.Email == wanted)
            ?? vault.Accounts.FirstOrDefault(a => a.Email == earlier)
            ?? throw new CipherpadCliException($"There is no account {wanted} on this cipher pad.", 1, "unknown-account");
    }

    private static void CheckPinRules(string pin)
    {
        if (PinRules.Problem(pin) is { } problem)
        {
            throw new CipherpadCliException(problem, 2, "weak-pin");
        }
    }

    private static string HomeDirectory(ParseResult result) =>
        result.GetValue(Home) ?? Environment.GetEnvironmentVariable("CIPHERPAD_HOME")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cipherpad");

    // Only for new pads; tests and slow devices may lower it, never below the minimum.
    private static int NewStoreIterations() =>
        int.TryParse(Environment.GetEnvironmentVariable("CIPHERPAD_KDF_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            ? Math.Clamp(iterations, PadStore.MinimumIterations, PadStore.MaximumIterations)
            : PadStore.DefaultIterations;
}
