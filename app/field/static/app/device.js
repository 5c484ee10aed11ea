/* The phone: its position (GPS, high accuracy) and its camera's photos, made small. */
"use strict";
(function (W) {
  var GEO_ERRORS = {
    1: "无法获取位置：您没有允许网格通使用位置。请在浏览器（或微信右上角 ··· → 设置）中允许“位置”后再试。",
    2: "无法获取位置：请打开手机的定位服务（GPS）后再试。",
    3: "定位超时：请到开阔处、打开 GPS 后再试。"
  };

  function geoError(code) { return new Error(GEO_ERRORS[code] || GEO_ERRORS[2]); }

  function reading(p) {
    return {
      latitude: p.coords.latitude, longitude: p.coords.longitude,
      accuracy: Math.round(p.coords.accuracy * 10) / 10, at: W.nowIso()
    };
  }

  // One position now. Rejects with a Chinese message when refused, unavailable or too vague:
  // then nothing is sent.
  W.locate = function (maxAccuracy) {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) return reject(new Error("这个浏览器不能定位，请换用手机自带浏览器或微信打开。"));
      navigator.geolocation.getCurrentPosition(function (p) {
        var r = reading(p);
        if (maxAccuracy && r.accuracy > maxAccuracy) {
          var e = new Error("定位精度为 ±" + Math.round(r.accuracy) + " 米，差于允许的 ±" + maxAccuracy +
            " 米，没有提交。请到开阔处、打开 GPS 后再试。");
          e.reading = r;
          return reject(e);
        }
        resolve(r);
      }, function (e) { reject(geoError(e.code)); },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
  };

  // Follow the position (patrol): calls back each reading; returns a stop function.
  W.follow = function (onReading, onError) {
    if (!navigator.geolocation) { onError(new Error("这个浏览器不能定位")); return function () {}; }
    var id = navigator.geolocation.watchPosition(function (p) { onReading(reading(p)); },
      function (e) { onError(geoError(e.code)); },
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 5000 });
    return function () { navigator.geolocation.clearWatch(id); };
  };

  function loadImage(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return createImageBitmap(file);
      });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("这不是一张能打开的图片")); };
      img.src = url;
    });
  }

  // A camera photo (often 4000 px, 5 MB) as a JPEG of at most `maxPx` on its long side:
  // a cheap phone on 3G uploads ~300 KB instead. The canvas drops all EXIF (the server keeps
  // only the time from what it receives; the phone's own time goes with the write).
  W.shrinkPhoto = function (file, maxPx) {
    maxPx = maxPx || 1600;
    return loadImage(file).then(function (img) {
      var w = img.width, hgt = img.height;
      var scale = Math.min(1, maxPx / Math.max(w, hgt));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(hgt * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      if (img.close) img.close();
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (blob) resolve(blob); else reject(new Error("照片处理失败，请重拍"));
        }, "image/jpeg", 0.82);
      });
    }, function () { throw new Error("这不是一张能打开的图片"); });
  };
})(window.WGT);
