using Cipherpad.Server.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests.Security;

/// <summary>Secret settings from files: each file a setting, only those named Cipherpad__…, their trailing newline dropped.</summary>
public sealed class SecretSettingFilesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cipherpad-secrets-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Files_named_as_cipherpad_settings_are_read_and_no_other_file_is()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "Cipherpad__Email__SmtpPassword"), "s3cret\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "cipherpad-master-key"), "a master key\n");
        File.WriteAllText(Path.Combine(_folder.FullName, "Logging__LogLevel__Default"), "Trace\n");
        using var configuration = new ConfigurationManager();
        configuration[SecretSettingFiles.Setting] = _folder.FullName;
        configuration["Cipherpad:Email:SmtpPassword"] = "from the environment";

        configuration.AddSecretSettingFiles();

        Assert.Equal("s3cret", configuration["Cipherpad:Email:SmtpPassword"]);
        Assert.Null(configuration["cipherpad-master-key"]);
        Assert.Null(configuration["Logging:LogLevel:Default"]);
        Assert.DoesNotContain(configuration.AsEnumerable(), setting => setting.Value is "a master key");
    }

    [Fact]
    public void Names_in_any_case_are_read_a_windows_line_end_is_dropped_and_a_large_file_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "cipherpad__sms__webhooktoken"), "t0ken\r\n");
        using var configuration = new ConfigurationManager();
        configuration[SecretSettingFiles.Setting] = _folder.FullName;

        configuration.AddSecretSettingFiles();

        Assert.Equal("t0ken", configuration["Cipherpad:Sms:WebhookToken"]);
        File.WriteAllBytes(Path.Combine(_folder.FullName, "Cipherpad__Email__SmtpPassword"), new byte[SecretSettingFiles.MaxBytes + 1]);
        Assert.Contains("larger than", Assert.Throws<OptionsValidationException>(configuration.AddSecretSettingFiles).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_setting_nothing_is_read_and_a_folder_that_is_not_there_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "Cipherpad__Email__SmtpPassword"), "s3cret");
        using var configuration = new ConfigurationManager();

        configuration.AddSecretSettingFiles();
        configuration[SecretSettingFiles.Setting] = Path.Combine(_folder.FullName, "missing");

        Assert.Null(configuration["Cipherpad:Email:SmtpPassword"]);
        Assert.Contains("which is not a folder", Assert.Throws<OptionsValidationException>(configuration.AddSecretSettingFiles).Message,
            StringComparison.Ordinal);
    }
}
