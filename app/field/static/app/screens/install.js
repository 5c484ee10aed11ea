/* 安装到主屏幕: how to put 网格通 on the home screen, told for the browser in hand. Chromium
 * offers its own install prompt (beforeinstallprompt), kept here for one button; Safari and
 * WeChat's browser have none, so they get the steps. */
"use strict";
(function (W) {
  var h = W.h, V = vant, S = W.state;
  S.installOffer = null;
  S.installed = false;

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    S.installOffer = Vue.markRaw(event);
  });
  window.addEventListener("appinstalled", function () {
    S.installOffer = null;
    S.installed = true;
  });

  // "installed" (opened from the home screen), "wechat", "ios" or "android".
  W.installKind = function () {
    var standalone = window.matchMedia && window.matchMedia("(display-mode: standalone)").matches;
    if (S.installed || standalone || navigator.standalone) return "installed";
    var ua = navigator.userAgent;
    if (/MicroMessenger/i.test(ua)) return "wechat";
    if (/iPhone|iPad|iPod/i.test(ua)) return "ios";
    return "android";
  };

  var STEPS = {
    wechat: [
      "点右上角「···」",
      "选「在浏览器中打开」（微信里不能安装，微信也可能清掉离线保存的记录）",
      "在浏览器里登录后，回到「我的 → 安装到主屏幕」，按那里的步骤安装"
    ],
    ios: [
      "用 Safari 打开本页（其他浏览器不能安装）",
      "点屏幕下方的「分享」按钮（方框和向上的箭头）",
      "选「添加到主屏幕」，再点右上角「添加」"
    ],
    android: [
      "点浏览器右上角的「⋮」菜单",
      "选「添加到主屏幕」或「安装应用」",
      "点「安装」或「添加」，桌面上出现「网格通」图标"
    ]
  };

  function secure() {
    return location.protocol === "https:" || location.hostname === "localhost" || location.hostname === "127.0.0.1";
  }

  function install() {
    var offer = S.installOffer;
    offer.prompt();
    offer.userChoice.then(function (choice) {
      if (choice.outcome === "accepted") S.installed = true;
      S.installOffer = null;
    });
  }

  W.screens.install = {
    setup: function () {
      return function () {
        var kind = W.installKind();
        var body = [h("div", { class: "install-icon" }, [
          h("img", { src: "/m/static/icons/icon-192.png", alt: "网格通图标", width: 72, height: 72 }),
          h("b", "网格通")
        ])];
        if (kind === "installed") {
          body.push(W.ui.note("网格通已经在主屏幕上：以后点桌面的「网格通」图标打开。", "ok"));
        } else {
          if (!secure()) {
            body.push(W.ui.note("当前地址不是 https:// 开头，手机不能安装，签到也不能定位。请向社区要 https:// 开头的地址。", "error"));
          }
          if (kind === "android" && S.installOffer) {
            body.push(h("div", { class: "pad" }, [W.ui.big("安装到主屏幕", install, { icon: "down" })]));
          }
          body.push(W.ui.section(kind === "android" && S.installOffer ? "或者手动安装" : "安装步骤",
            STEPS[kind].map(function (text, i) {
              return h(V.Cell, { title: (i + 1) + ". " + text, class: "install-step" });
            })));
        }
        body.push(W.ui.section("装好以后", [
          h(V.Cell, { title: "从桌面的「网格通」图标打开，全屏使用，不用再找网址" }),
          h(V.Cell, { title: "第一次签到时允许「位置」，第一次随手拍时允许「相机」" }),
          h(V.Cell, { title: "没有网络也能签到、上报、走访，联网后自动上传" })
        ]));
        return W.ui.page("安装到主屏幕", body, { back: "mine" });
      };
    }
  };
})(window.WGT);
