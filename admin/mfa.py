"""Two-factor login (authenticator app) for officials, administrators and anyone who wants it.

piccolo-api's AuthenticatorProvider keeps each user's TOTP secret in `mfa_authenticator_secret`
(its own app in piccolo_conf.py), encrypted with a key derived from SECRET_KEY. The provider
is app/mfa.py, shared with the phone app's login. Once a user has set it up (admin menu →
两步验证), logging in asks for the code from their phone.
"""

from __future__ import annotations

from app.mfa import ISSUER, encryption_key, mfa_provider

__all__ = ["ISSUER", "MFA_PAGES_ZH", "encryption_key", "mfa_provider", "translate_mfa_page"]

# The MFA pages are rendered by piccolo-api in English; admin/frontend.py translates them.
MFA_PAGES_ZH: dict[str, str] = {
    '<html lang="en">': '<html lang="zh-CN">',
    "MFA Authenticator Setup": "两步验证设置",
    "MFA Authenticator Cancel": "两步验证",
    "Authenticator Setup": "设置身份验证器",
    "Use an authenticator app like Google Authenticator, available on "
    '<a href="https://apps.apple.com/us/app/google-authenticator/id388497605" '
    'target="_blank">iOS</a> and <a href="https://play.google.com/store/apps/details?id='
    'com.google.android.apps.authenticator2" target="_blank">Android</a>, to scan this QR '
    "code:": "请用手机上的身份验证器应用（支持 TOTP 的应用均可，如 Google Authenticator、"
    "Microsoft Authenticator）扫描下面的二维码：",
    "Codes copied to clipboard!": "恢复码已复制",
    ">Copy</a> these recovery codes and keep them safe:": ">复制</a>下面的恢复码并妥善保管"
    "（手机丢失时可用它登录，每个只能用一次）：",
    "MFA Disabled": "两步验证已关闭",
    "MFA Setup": "两步验证设置",
    "Please enter your password to enable MFA:": "请输入登录密码以开启两步验证：",
    ">Password</label>": ">密码</label>",
    "<button>Enable</button>": "<button>开启</button>",
    "You are already enrolled.": "您已开启两步验证。",
    "<label>Enter Password:</label>": "<label>输入登录密码：</label>",
    "<button>Disable MFA</button>": "<button>关闭两步验证</button>",
    "You no longer require MFA to login - consider re-enabling it when you can.": "登录不再需要验证码，"
    "建议尽快重新开启。",
    ">Re-enable</a>": ">重新开启</a>",
    "Incorrect password": "密码不对",
    "<p>Error</p>": "<p>出错了</p>",
}


def translate_mfa_page(html: str) -> str:
    for english in sorted(MFA_PAGES_ZH, key=len, reverse=True):
        html = html.replace(english, MFA_PAGES_ZH[english])
    return html
