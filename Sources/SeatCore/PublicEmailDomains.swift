/// Public and free mail domains that enterprise accounts may not use
/// (`corporate_email`). A file's `blockedDomains` adds to this list.
public enum PublicEmailDomains {
    public static let all: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es",
        "yahoo.it", "yahoo.co.jp", "yahoo.co.in", "yahoo.com.br", "ymail.com", "rocketmail.com",
        "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es",
        "outlook.com", "outlook.fr", "outlook.de", "live.com", "live.co.uk", "live.fr", "msn.com",
        "windowslive.com", "passport.com",
        "aol.com", "aim.com", "icloud.com", "me.com", "mac.com",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "tutanota.com", "tutanota.de", "tuta.io",
        "zoho.com", "zohomail.com", "mail.com", "email.com", "usa.com", "post.com",
        "gmx.com", "gmx.net", "gmx.de", "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de",
        "yandex.com", "yandex.ru", "ya.ru", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",
        "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sohu.com", "aliyun.com",
        "naver.com", "daum.net", "hanmail.net",
        "rediffmail.com", "libero.it", "virgilio.it", "tiscali.it", "orange.fr", "wanadoo.fr", "free.fr",
        "laposte.net", "sfr.fr", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl",
        "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com", "talktalk.net",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net",
        "earthlink.net", "juno.com", "optonline.net", "shaw.ca", "rogers.com", "sympatico.ca",
        "bigpond.com", "optusnet.com.au", "xtra.co.nz", "uol.com.br", "bol.com.br", "terra.com.br",
        "fastmail.com", "fastmail.fm", "hushmail.com", "lycos.com", "excite.com", "inbox.com",
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org", "yopmail.com",
        "hey.com", "duck.com",
    ]

    /// True when `domain` or any parent domain of it is in `list`.
    public static func matches(_ domain: String, in list: Set<String>) -> String? {
        var candidate = Substring(domain)
        while true {
            if list.contains(String(candidate)) { return String(candidate) }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }
}
