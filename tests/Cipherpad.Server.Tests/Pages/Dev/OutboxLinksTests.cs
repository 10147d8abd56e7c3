using Cipherpad.Server.Pages.Dev;

namespace Cipherpad.Server.Tests.Pages.Dev;

public sealed class OutboxLinksTests
{
    private static string Html(string text) => OutboxModel.WithLinks(text).ToString()!;

    [Fact]
    public void A_web_address_in_a_message_is_a_link_without_the_punctuation_after_it()
    {
        Assert.Equal(
            "Confirm: <a href=\"http://127.0.0.1:5080/confirm-email?token=a-b_c\">http://127.0.0.1:5080/confirm-email?token=a-b_c</a>. Thanks",
            Html("Confirm: http://127.0.0.1:5080/confirm-email?token=a-b_c. Thanks"));
    }

    [Fact]
    public void Everything_else_is_text_and_only_web_addresses_become_links()
    {
        Assert.Equal("&lt;b&gt;x&lt;/b&gt; javascript:alert(1) &amp;", Html("<b>x</b> javascript:alert(1) &"));
        Assert.Equal("<a href=\"https://a.example/?q=1&amp;r=\">https://a.example/?q=1&amp;r=</a>&quot;&lt;",
            Html("https://a.example/?q=1&r=\"<"));
    }
}
