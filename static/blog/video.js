// Videos are loaded only when the visitor asks: the button is replaced by the privacy-enhanced
// player (youtube-nocookie.com or player.vimeo.com with dnt=1).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".tsf-video-play");
  if (!button) return;
  var box = button.closest(".tsf-video");
  var src = box && box.dataset.embedSrc;
  if (!src || !/^https:\/\/(www\.youtube-nocookie\.com|player\.vimeo\.com)\//.test(src)) return;
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = box.dataset.title || "Video";
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.className = "tsf-video-frame";
  button.replaceWith(frame);
  frame.focus();
});
